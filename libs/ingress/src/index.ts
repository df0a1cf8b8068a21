export * from './ingress.module';
export * from './ingress.options';
export * from './ingress.service';
export * from './problem.filter';
export * from './idempotency-key';
