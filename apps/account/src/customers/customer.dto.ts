import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

/** `PUT /v1/customers/{customerNo}` (spec/api.md). `idType` is the two-digit code of JR/T 0046 §7.9. */
export class PutCustomerBody {
  @ApiProperty() @IsString() @Length(1, 120) name!: string;
  @ApiProperty({ enum: ['INDIVIDUAL', 'INSTITUTION'] }) @IsIn(['INDIVIDUAL', 'INSTITUTION']) type!: 'INDIVIDUAL' | 'INSTITUTION';
  @ApiProperty({ example: '10' }) @Matches(/^\d{2}$/, { message: 'idType must be the two-digit code of JR/T 0046 §7.9' }) idType!: string;
  @ApiProperty() @IsString() @Length(4, 40) idNumber!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 30) phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) address?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;
}

/** The last customer data change (11005, F-3.5 S) sent to a bank for one of the customer's fund accounts. */
export class CustomerPropagationView {
  @ApiProperty() fundAccountNo!: string;
  @ApiProperty() bankCode!: string;
  @ApiProperty({ description: "the broker's serial of the 11005" }) serialNo!: string;
  @ApiProperty({ enum: ['PENDING', 'SUCCEEDED', 'FAILED'], description: 'FAILED: the bank did not take the change and keeps its old data' })
  status!: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  @ApiProperty() requestedAt!: string;
  @ApiPropertyOptional() answeredAt?: string;
  @ApiPropertyOptional({ description: "BANK_REJECTED with the bank's bankReturnCode, or BANK_UNAVAILABLE" })
  failure?: { code: string; bankReturnCode?: string; message?: string };
}

export class CustomerView {
  @ApiProperty() customerNo!: string;
  @ApiProperty() name!: string;
  @ApiProperty() type!: string;
  @ApiProperty() idType!: string;
  @ApiProperty({ description: 'masked: only the last four characters are shown' }) idNumberMasked!: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() email?: string;
  /**
   * F-3.5: for each bank holding a relationship of one of the customer's fund accounts that was sent a change of the
   * customer's data, the last one sent and the bank's answer. A `PUT` of the customer sends it again to the banks whose
   * last answer is FAILED.
   */
  @ApiProperty({ type: [CustomerPropagationView] }) propagation!: CustomerPropagationView[];
}
