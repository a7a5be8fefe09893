import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { DAY_PHASES, type DayPhase } from '@custody/contracts';

export class CloseDayBody {
  @ApiProperty({ maxLength: 64 }) @IsString() @Length(1, 64) requestId!: string;
}

export class DeferBankDayBody {
  @ApiProperty({ maxLength: 64 }) @IsString() @Length(1, 64) requestId!: string;
  @ApiProperty({ description: 'why the bank is deferred: operators and auditors read it later', maxLength: 500 }) @IsString() @Length(1, 500) reason!: string;
}

export class BankDayQuery {
  @ApiPropertyOptional({ description: 'only this bank (7 digits)' }) @IsOptional() @Matches(/^\d{7}$/, { message: 'bankCode must be the 7-digit bank code' }) bankCode?: string;
}

export class BankDayView {
  @ApiProperty() bankCode!: string;
  @ApiProperty({ enum: DAY_PHASES }) phase!: DayPhase;
  @ApiProperty({ description: "breaks of the bank's day still open" }) openBreaks!: number;
  @ApiPropertyOptional() deferredReason?: string;
  @ApiPropertyOptional({ description: "why the close of the bank's day is stuck (e.g. the bank refused our files three times): it is tried again by itself every few minutes, at once by closing the day again; deferring the bank lets the date switch" })
  stalledReason?: string;
}

export class DayView {
  @ApiProperty({ format: 'date', description: "the broker's business date (D)" }) businessDate!: string;
  @ApiProperty({ type: [BankDayView] }) banks!: BankDayView[];
}

export const BUSINESS_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
