export * from './tradingview.module';
export * from './tradingview.source';
export * from './tradingview.normalizer';
export * from './tradingview.settings';
