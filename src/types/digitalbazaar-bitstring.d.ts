// @digitalbazaar/bitstring ships no type declarations; this is the part we use.
declare module '@digitalbazaar/bitstring' {
  export class Bitstring {
    constructor(options: { length: number; leftToRightIndexing?: boolean } | { buffer: Uint8Array; leftToRightIndexing?: boolean });
    readonly bits: Uint8Array;
    readonly length: number;
    set(position: number, on: boolean): void;
    get(position: number): boolean;
    /** base64url (no padding) of the GZIP-compressed bits. */
    encodeBits(): Promise<string>;
    static decodeBits(options: { encoded: string }): Promise<Uint8Array>;
  }
}
