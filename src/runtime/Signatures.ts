/** A signature: an unforgeable token naming its signer and what it signed. */
export type Signature = number;

// What one signature covers: `content`, or (view >= 0) a vote: `content` is the
// vote's kind, with its view, sequence number and digest kept as they are.
interface Signed {
  signer: number;
  content: string;
  view: number;
  seq: number;
  digest: string;
}

/**
 * Message authentication, modelled explicitly (as PBFT assumes: signatures or
 * MACs no node can forge). A node signs content only as itself; anyone can
 * verify that a signature was made by a given signer over given content. A
 * Byzantine node can replay signatures it has seen but cannot make one in
 * another node's name, nor move one onto different content.
 *
 * Votes, which every replica checks on every message, are signed as their
 * fields (`signVote`) rather than as a string: building the string on each
 * check was a quarter of PBFT's time (issue 14). A vote's signature never
 * verifies as a string's, nor the other way round.
 */
export class Signatures {
  private readonly signed: Signed[] = [];

  /** Signs `content` as member `signer` (the runtime calls it for the signing node only). */
  sign(signer: number, content: string): Signature {
    this.signed.push({ signer, content, view: -1, seq: -1, digest: "" });
    return this.signed.length;
  }

  /** Whether `sig` was made by `signer` over exactly `content`. */
  verify(sig: Signature, signer: number, content: string): boolean {
    const s = this.signed[sig - 1];
    return s !== undefined && s.signer === signer && s.view === -1 && s.content === content;
  }

  /** Signs the vote `kind` for (`view` >= 0, `seq`, `digest`) as member `signer`. */
  signVote(signer: number, kind: string, view: number, seq: number, digest: string): Signature {
    if (!(view >= 0)) throw new RangeError(`a vote's view must be >= 0, not ${view}`);
    this.signed.push({ signer, content: kind, view, seq, digest });
    return this.signed.length;
  }

  /** Whether `sig` is `signer`'s vote `kind` for exactly (`view`, `seq`, `digest`). */
  verifyVote(
    sig: Signature,
    signer: number,
    kind: string,
    view: number,
    seq: number,
    digest: string,
  ): boolean {
    const s = this.signed[sig - 1];
    return (
      s !== undefined &&
      view >= 0 &&
      s.signer === signer &&
      s.view === view &&
      s.seq === seq &&
      s.content === kind &&
      s.digest === digest
    );
  }
}
