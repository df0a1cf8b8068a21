import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { StreamInfo } from 'nats';
import type { Gauge } from 'prom-client';
import { STREAM_USAGE_RATIO } from './nats.metrics';

/** The limits of a stream whose use is exported, each as `gateway_stream_usage_ratio{resource}`. */
export const STREAM_USAGE_RESOURCES = ['bytes', 'messages'] as const;

/**
 * How much of its limits the provisioned stream uses. A full stream keeps the connection up and
 * answers every write "full" (discard new: 503), so the ratio is the only early warning. Taken from
 * the stream information the provisioner reads anyway (at every connect and periodic check), so it
 * costs no request of its own. A limit the stream does not have (-1 or 0) reads 0.
 */
@Injectable()
export class StreamUsage {
  private readonly bytes: Gauge.Internal<'resource'>;
  private readonly messages: Gauge.Internal<'resource'>;

  constructor(@InjectMetric(STREAM_USAGE_RATIO) usage: Gauge<'resource'>) {
    this.bytes = usage.labels('bytes');
    this.messages = usage.labels('messages');
    // Both series exist from the start, at 0, before the stream was first read.
    this.bytes.set(0);
    this.messages.set(0);
  }

  record({ config, state }: Pick<StreamInfo, 'config' | 'state'>): void {
    this.bytes.set(ratio(state.bytes, config.max_bytes));
    this.messages.set(ratio(state.messages, config.max_msgs));
  }
}

function ratio(used: number, limit: number | undefined): number {
  return limit !== undefined && limit > 0 ? used / limit : 0;
}
