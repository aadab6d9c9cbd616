;; Dequantization kernels for the K-quant types whose JS loops fall short of 400 MB/s (Q2_K,
;; Q3_K), bit for bit as ggml's dequantize_row_q2_K / dequantize_row_q3_K (ggml-org/ggml
;; src/ggml-quants.c, MIT): every scale product is exact in float32 (f16 times a 4- or 6-bit
;; integer), so the one rounding is that of the final multiply (Q3_K) or subtract (Q2_K), as in ggml.
;; Sixteen values at a time: one v128 load of quant bytes, shifts and masks per byte lane, widened
;; to i32x4 and converted with the signed conversion (the unsigned one is emulated on x64 and slow;
;; the values are small and non-negative or signed anyway), four f32x4 stores.
;; Layout: the caller copies blocks to $src, keeps the float32 value of every f16 bit pattern at
;; $f16 (65536 x f32), and reads 256 floats per block from $dst.
;; The memory starts at its full size (the table and a chunk of 1024 blocks): growing it would detach
;; its ArrayBuffer, and V8 then guards every typed-array access in the process (all JS decoders slow
;; down by a third).
(module
  (memory (export "memory") 23)
  ;; Q2_K: nb blocks of 84 bytes at $src; $f16: the f32 value of every f16 bit pattern (256 KB);
  ;; 256 f32 per block to $dst.
  (func (export "q2k") (param $src i32) (param $f16 i32) (param $dst i32) (param $nb i32)
    (local $b i32) (local $o i32) (local $y i32) (local $n i32) (local $q i32) (local $sh i32) (local $part i32)
    (local $is i32) (local $sc i32) (local $d f32) (local $min f32) (local $dl v128) (local $ml v128) (local $v v128) (local $w v128)
    (local.set $o (local.get $src))
    (local.set $y (local.get $dst))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
      (local.set $d (f32.load (i32.add (local.get $f16) (i32.shl (i32.load16_u offset=80 (local.get $o)) (i32.const 2)))))
      (local.set $min (f32.load (i32.add (local.get $f16) (i32.shl (i32.load16_u offset=82 (local.get $o)) (i32.const 2)))))
      (local.set $is (local.get $o))
      (local.set $n (i32.const 0))
      (loop $halves
        (local.set $q (i32.add (i32.add (local.get $o) (i32.const 16)) (i32.shl (local.get $n) (i32.const 5))))
        (local.set $sh (i32.const 0))
        (loop $shifts
          (local.set $part (i32.const 0))
          (loop $parts
            (local.set $sc (i32.load8_u (local.get $is)))
            (local.set $is (i32.add (local.get $is) (i32.const 1)))
            (local.set $dl (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_u (i32.and (local.get $sc) (i32.const 15))))))
            (local.set $ml (f32x4.splat (f32.mul (local.get $min) (f32.convert_i32_u (i32.shr_u (local.get $sc) (i32.const 4))))))
            (local.set $v (v128.and (i8x16.shr_u (v128.load (i32.add (local.get $q) (local.get $part))) (local.get $sh)) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3)))
            (local.set $w (i16x8.extend_low_i8x16_u (local.get $v)))
            (v128.store (local.get $y) (f32x4.sub (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $w)))) (local.get $ml)))
            (v128.store offset=16 (local.get $y) (f32x4.sub (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $w)))) (local.get $ml)))
            (local.set $w (i16x8.extend_high_i8x16_u (local.get $v)))
            (v128.store offset=32 (local.get $y) (f32x4.sub (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $w)))) (local.get $ml)))
            (v128.store offset=48 (local.get $y) (f32x4.sub (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $w)))) (local.get $ml)))
            (local.set $y (i32.add (local.get $y) (i32.const 64)))
            (local.set $part (i32.add (local.get $part) (i32.const 16)))
            (br_if $parts (i32.lt_u (local.get $part) (i32.const 32))))
          (local.set $sh (i32.add (local.get $sh) (i32.const 2)))
          (br_if $shifts (i32.lt_u (local.get $sh) (i32.const 8))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $halves (i32.lt_u (local.get $n) (i32.const 2))))
      (local.set $o (i32.add (local.get $o) (i32.const 84)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $blocks)))
  )

  ;; Q3_K: nb blocks of 110 bytes at $src (hmask[32], qs[64], scales[12], d: f16); $f16 as for q2k.
  (func (export "q3k") (param $src i32) (param $f16 i32) (param $dst i32) (param $nb i32)
    (local $b i32) (local $o i32) (local $y i32) (local $n i32) (local $q i32) (local $sh i32) (local $m i32) (local $part i32)
    (local $j i32) (local $low i32) (local $high i32) (local $d f32) (local $dl v128) (local $v v128) (local $w v128)
    (local.set $o (local.get $src))
    (local.set $y (local.get $dst))
    (block $done (loop $blocks
      (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
      (local.set $d (f32.load (i32.add (local.get $f16) (i32.shl (i32.load16_u offset=108 (local.get $o)) (i32.const 2)))))
      (local.set $j (i32.const 0))
      (local.set $m (i32.const 0))
      (local.set $n (i32.const 0))
      (loop $halves
        (local.set $q (i32.add (i32.add (local.get $o) (i32.const 32)) (i32.shl (local.get $n) (i32.const 5))))
        (local.set $sh (i32.const 0))
        (loop $shifts
          (local.set $part (i32.const 0))
          (loop $parts
            ;; scale j: low 4 bits from byte j (j < 8) or the high nibble of byte j-8, high 2 bits from byte 8 + (j & 3)
            (local.set $low (if (result i32) (i32.lt_u (local.get $j) (i32.const 8))
              (then (i32.and (i32.load8_u offset=96 (i32.add (local.get $o) (local.get $j))) (i32.const 15)))
              (else (i32.shr_u (i32.load8_u offset=88 (i32.add (local.get $o) (local.get $j))) (i32.const 4)))))
            (local.set $high (i32.and (i32.shr_u (i32.load8_u offset=104 (i32.add (local.get $o) (i32.and (local.get $j) (i32.const 3))))
              (i32.shl (i32.shr_u (local.get $j) (i32.const 2)) (i32.const 1))) (i32.const 3)))
            (local.set $dl (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_s (i32.sub (i32.or (local.get $low) (i32.shl (local.get $high) (i32.const 4))) (i32.const 32))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            ;; 2-bit values plus 4 when the hmask bit is set, minus 4: -4..3
            (local.set $v (i8x16.sub
              (i8x16.add
                (v128.and (i8x16.shr_u (v128.load (i32.add (local.get $q) (local.get $part))) (local.get $sh)) (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))
                (i8x16.shl (v128.and (i8x16.shr_u (v128.load (i32.add (local.get $o) (local.get $part))) (local.get $m)) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)) (i32.const 2)))
              (v128.const i8x16 4 4 4 4 4 4 4 4 4 4 4 4 4 4 4 4)))
            (local.set $w (i16x8.extend_low_i8x16_s (local.get $v)))
            (v128.store (local.get $y) (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $w)))))
            (v128.store offset=16 (local.get $y) (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $w)))))
            (local.set $w (i16x8.extend_high_i8x16_s (local.get $v)))
            (v128.store offset=32 (local.get $y) (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $w)))))
            (v128.store offset=48 (local.get $y) (f32x4.mul (local.get $dl) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $w)))))
            (local.set $y (i32.add (local.get $y) (i32.const 64)))
            (local.set $part (i32.add (local.get $part) (i32.const 16)))
            (br_if $parts (i32.lt_u (local.get $part) (i32.const 32))))
          (local.set $sh (i32.add (local.get $sh) (i32.const 2)))
          (local.set $m (i32.add (local.get $m) (i32.const 1)))
          (br_if $shifts (i32.lt_u (local.get $sh) (i32.const 8))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $halves (i32.lt_u (local.get $n) (i32.const 2))))
      (local.set $o (i32.add (local.get $o) (i32.const 110)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $blocks)))
  )
)
