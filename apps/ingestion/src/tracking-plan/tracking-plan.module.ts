import { Module } from '@nestjs/common';
import { TrackingPlanController } from './tracking-plan.controller';
import { TrackingPlanRepository } from './tracking-plan.repository';
import { TrackingPlanService } from './tracking-plan.service';

@Module({
  controllers: [TrackingPlanController],
  providers: [TrackingPlanService, TrackingPlanRepository],
  exports: [TrackingPlanService],
})
export class TrackingPlanModule {}
