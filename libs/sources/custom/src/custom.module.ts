import { Module } from '@nestjs/common';
import { CustomSource } from './custom.source';

@Module({ providers: [CustomSource] })
export class CustomSourceModule {}
