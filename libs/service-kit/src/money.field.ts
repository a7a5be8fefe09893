import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { moneySchema } from '@custody/contracts';
import { Money } from '@custody/money';
import { DomainError } from './domain-error';

/**
 * An HTTP body field holding an amount (api.md: > 0 unless stated): a decimal string on the wire, a `Money` in the
 * body the controller gets, read by the contracts' one amount schema. A malformed amount is VALIDATION_FAILED with
 * its `field` and `defect` and the schema's sentence for it, as soon as the body is read; anything but a string is
 * refused like any other field of the wrong type.
 */
export function MoneyField(options: { example?: string } = {}): PropertyDecorator {
  const schema = moneySchema('positive');
  return applyDecorators(
    ApiProperty({ type: String, example: options.example ?? '1000.00', description: 'decimal string, > 0, at most 2 decimals' }),
    Transform(
      ({ value, key }) => {
        if (typeof value !== 'string') return value;
        const parsed = schema.safeParse(value);
        if (parsed.success) return parsed.data;
        const [issue] = parsed.error.issues;
        const defect = issue.code === 'custom' ? (issue.params?.defect as string | undefined) : undefined;
        throw new DomainError('VALIDATION_FAILED', issue.message, { field: key, ...(defect ? { defect } : {}) });
      },
      { toClassOnly: true },
    ),
    ValidateBy({ name: 'isMoney', validator: { validate: (value) => value instanceof Money } }, { message: '$property must be a string' }),
  );
}
