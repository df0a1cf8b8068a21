import { Module } from '@nestjs/common';
import { TradingViewSource } from './tradingview.source';

@Module({ providers: [TradingViewSource] })
export class TradingViewModule {}
