import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { FUND_ACCOUNT_NO_PATTERN } from '@custody/contracts';

/**
 * An HTTP body field naming a fund account: 1–14 digits (bank-protocol.md §5), else VALIDATION_FAILED.
 * Path parameters and list filters stay plain look-ups: a number that cannot exist is simply not found.
 */
export function FundAccountNoField(options: { optional?: boolean; description?: string } = {}): PropertyDecorator {
  const doc = { pattern: FUND_ACCOUNT_NO_PATTERN.source, example: '100000000001', description: options.description };
  const rule = Matches(FUND_ACCOUNT_NO_PATTERN, { message: '$property must be 1-14 digits (bank-protocol.md §5)' });
  return options.optional ? applyDecorators(ApiPropertyOptional(doc), IsOptional(), rule) : applyDecorators(ApiProperty(doc), rule);
}
