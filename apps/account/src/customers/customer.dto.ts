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

export class CustomerView {
  @ApiProperty() customerNo!: string;
  @ApiProperty() name!: string;
  @ApiProperty() type!: string;
  @ApiProperty() idType!: string;
  @ApiProperty({ description: 'masked: only the last four characters are shown' }) idNumberMasked!: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() address?: string;
  @ApiPropertyOptional() email?: string;
}
