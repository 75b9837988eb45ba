/**
 * Where a pretty JWS splits (Docker schema1, libtrust): the signed payload is
 * the document's first `formatLength` bytes followed by the bytes of
 * `formatTail` (base64url); the signatures sit in between.
 */
export interface PrettyFormat {
  formatLength: number;
  formatTail: string;
}
