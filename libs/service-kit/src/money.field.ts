import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { moneySchema } from '@custody/contracts';
import { type AmountSign, Money } from '@custody/money';
import { DomainError } from './domain-error';

/**
 * An HTTP body field holding an amount: a decimal string on the wire, a `Money` in the body the controller gets,
 * read by the contracts' one amount schema. A malformed amount is VALIDATION_FAILED with the defect named
 * (api.md: `field`, `defect` and the sentence of `describeAmountDefect`), at once, like the service used to;
 * anything but a string is the ordinary validation failure.
 */
export function MoneyField(options: { sign?: AmountSign; example?: string; description?: string } = {}): PropertyDecorator {
  const schema = moneySchema(options.sign ?? 'positive');
  return applyDecorators(
    ApiProperty({ type: String, example: options.example ?? '1000.00', description: options.description ?? 'decimal string, > 0, at most 2 decimals' }),
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
