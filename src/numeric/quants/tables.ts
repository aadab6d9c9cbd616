/**
 * @module numeric/quants/tables
 * Small value tables of ggml's non-linear types. Ported from ggml-org/ggml src/ggml-common.h (MIT).
 */

/** kvalues_iq4nl: the 16 levels of IQ4_NL and IQ4_XS. */
export const KVALUES_IQ4NL: Int8Array = Int8Array.from([-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]);

/** kvalues_mxfp4 (= kvalues_fp4): FP4 E2M1 values doubled, shared by MXFP4 and NVFP4. */
export const KVALUES_FP4: Int8Array = Int8Array.from([0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]);

/** E8M0 exponent byte -> 2^(e-128), ggml_e8m0_to_fp32_half (the half compensates the doubled FP4 table). */
export const E8M0_HALF: Float32Array = (() => {
  const t = new Float32Array(256);
  const u = new Uint32Array(t.buffer);
  for (let e = 0; e < 256; e++) u[e] = e < 2 ? 0x00200000 << e : (e - 1) << 23;
  return t;
})();

/** UE4M3 byte -> value / 2, ggml_ue4m3_to_fp32 (0x00 and 0x7F decode to 0; bit 7 is ignored). */
export const UE4M3_HALF: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let x = 0; x < 256; x++) {
    if (x === 0 || x === 0x7f) continue;
    const exp = (x >> 3) & 0xf;
    const man = x & 7;
    const raw = exp === 0 ? man * 2 ** -9 : (1 + man / 8) * 2 ** (exp - 7);
    t[x] = raw * 0.5;
  }
  return t;
})();
