import { Type } from 'class-transformer';
import { IsArray, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

// Shape only (400); bounds and uniqueness are the domain's rules (422 with every problem listed).

export class ServiceRequest {
  @IsString()
  @MaxLength(64)
  id: string;

  @IsString()
  @MaxLength(500)
  name: string;

  @IsString()
  @MaxLength(500)
  category: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  durationMinutes: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  priceCents: number;

  @IsOptional()
  @IsString()
  @MaxLength(3)
  currency?: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;
}

export class ReplaceServicesRequest {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ServiceRequest)
  services: ServiceRequest[];
}
