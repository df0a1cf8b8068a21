import { Module } from '@nestjs/common';
import { SourcesCoreModule } from '@gateway/sources-core';
import { CustomSource } from './custom.source';

@Module({ imports: [SourcesCoreModule], providers: [CustomSource] })
export class CustomSourceModule {}
