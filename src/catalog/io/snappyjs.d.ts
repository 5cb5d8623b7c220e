// snappyjs ships no type declarations; these cover the two functions of its CommonJS export.
declare module 'snappyjs' {
  /** Decompresses one raw Snappy block; throws on an invalid bitstream or beyond `maxLength`. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(
    compressed: T,
    maxLength?: number,
  ): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
