import { Module } from '@nestjs/common';
import { CanarySource } from './canary.source';

@Module({ providers: [CanarySource] })
export class CanarySourceModule {}
