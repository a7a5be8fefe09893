import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { type AppliedFault, type Fault, FaultPlan } from '../protocol/fault-plan';
import { faultInput, parseInput } from './control-input';

@Controller('faults')
export class FaultsController {
  constructor(private readonly faults: FaultPlan) {}

  @Post()
  arm(@Body() body: unknown): { faultId: string } {
    return { faultId: this.faults.arm(parseInput(faultInput, body)).faultId };
  }

  @Get()
  list(): Fault[] {
    return this.faults.list();
  }

  /** Every fault that hit, oldest first, with what it hit (a request's or a record's serial, a file, a date). */
  @Get('applied')
  applied(): AppliedFault[] {
    return this.faults.listApplied();
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.faults.clear();
  }
}
