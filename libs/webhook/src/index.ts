export * from './webhook-context';
export * from './webhook-stages';
export * from './webhook-step';
export * from './exchange-end';
