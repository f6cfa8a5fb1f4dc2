import { ApiProperty } from '@nestjs/swagger';

/** The paging fields of every list answer (`items` is declared by each list). */
export class PageFieldsDto {
  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Offset of the next page; null on the last one' })
  next!: number | null;
}
