export * from './health.module';
export * from './shutdown.state';
