import { FrameworkQuietLogger } from './framework-quiet.logger';

describe('FrameworkQuietLogger', () => {
  const inner = () => ({ log: jest.fn(), error: jest.fn(), warn: jest.fn(), debug: jest.fn() });

  it("moves Nest's start-up narration to debug", () => {
    const sink = inner();
    const logger = new FrameworkQuietLogger(sink);
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    expect(sink.log).not.toHaveBeenCalled();
    expect(sink.debug).toHaveBeenCalledWith('Mapped {/healthz, GET} route', 'RouterExplorer');
  });

  it('passes the gateway’s own lines and every warning and error through as they are', () => {
    const sink = inner();
    const logger = new FrameworkQuietLogger(sink);
    logger.log('connected to n1 at 127.0.0.1:4222', 'Nats');
    logger.error('could not resolve a provider', 'InstanceLoader');
    logger.warn('using the development secret');
    expect(sink.log).toHaveBeenCalledWith('connected to n1 at 127.0.0.1:4222', 'Nats');
    expect(sink.error).toHaveBeenCalledWith('could not resolve a provider', 'InstanceLoader');
    expect(sink.warn).toHaveBeenCalledWith('using the development secret');
  });
});
