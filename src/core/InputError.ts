/**
 * Bad input, located: the file (or `--set ...`), the path in the document, the
 * line and column, what was expected and what was found. The CLI prints its
 * message on one line and exits with code 2.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly docPath: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    readonly expected: string,
    readonly found: string | undefined,
  ) {
    const where = line === undefined ? file : `${file}:${line}:${col}`;
    const at = docPath === "" ? "" : ` ${docPath}:`;
    const foundPart = found === undefined ? "" : `, found ${found}`;
    super(`${where}:${at} expected ${expected}${foundPart}`);
    this.name = "InputError";
  }
}
