/** A signature: an unforgeable token naming its signer and what it signed. */
export type Signature = number;

/**
 * Message authentication, modelled explicitly (as PBFT assumes: signatures or
 * MACs no node can forge). A node signs content only as itself; anyone can
 * verify that a signature was made by a given signer over given content. A
 * Byzantine node can replay signatures it has seen but cannot make one in
 * another node's name, nor move one onto different content.
 */
export class Signatures {
  private readonly signed: { signer: number; content: string }[] = [];

  /** Signs `content` as member `signer` (the runtime calls it for the signing node only). */
  sign(signer: number, content: string): Signature {
    this.signed.push({ signer, content });
    return this.signed.length;
  }

  /** Whether `sig` was made by `signer` over exactly `content`. */
  verify(sig: Signature, signer: number, content: string): boolean {
    const s = this.signed[sig - 1];
    return s !== undefined && s.signer === signer && s.content === content;
  }
}
