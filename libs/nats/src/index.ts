export * from './nats.module';
export * from './nats.options';
export { NatsConnectionManager, type NatsState } from './nats-connection.manager';
export { covers } from './stream.provisioner';
export { eventHeaders } from './event-headers';
