import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { type Fault, FaultPlan } from '../protocol/fault-plan';
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

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.faults.clear();
  }
}
