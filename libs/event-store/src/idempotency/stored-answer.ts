/** What a write answered, kept to answer its retries byte for byte. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  /** The JSON body as text. */
  body: string;
}
