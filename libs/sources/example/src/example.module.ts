import { Module } from '@nestjs/common';
import { ExampleSource } from './example.source';

@Module({ providers: [ExampleSource] })
export class ExampleSourceModule {}
