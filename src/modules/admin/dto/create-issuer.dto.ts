import { IsString, Length, Matches } from 'class-validator';

export class CreateIssuerDto {
  /**
   * A display name for the issuer tenant.
   * @example "University of Leiden"
   */
  @IsString()
  @Length(1, 200)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must not contain control characters' })
  name!: string;
}
