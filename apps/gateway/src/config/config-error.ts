export { ConfigError } from '@gateway/config';
