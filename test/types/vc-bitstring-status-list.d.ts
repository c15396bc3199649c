// @digitalbazaar/vc-bitstring-status-list ships no type declarations; the tests use decodeList.
declare module '@digitalbazaar/vc-bitstring-status-list' {
  export function decodeList(options: { encodedList: string }): Promise<{ getStatus(index: number): boolean; length: number }>;
}
