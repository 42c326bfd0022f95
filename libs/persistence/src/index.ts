export * from './entities/campaign.entity';
export * from './entities/dimension-value.entity';
export * from './entities/master-shot.entity';
export * from './entities/plate.entity';
export * from './entities/render-job.entity';
export * from './entities/variant.entity';
export * from './data-source';
