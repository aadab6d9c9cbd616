;; The marking kernel (src/mark/mark-rows.ts): rows of float32, in place, each row i gaining
;; amp_i · P_ij with amp_i = strength · rms(row i) and P_ij = ±1 from the counter hash of
;; src/mark/pattern.ts (wordBits: 32 signs per word, bit b set = entry 32w + b is +1). Rows are
;; whole words (cols a multiple of 32) and consecutive words: row r of a call starts at word
;; $w + r·cols/32.
;; The row's sum of squares is taken in two f64x2 accumulators (every float32 square is exact in
;; f64); amp is rounded to float32 and added in float32 lanes — the JS loop adds it in f64 before
;; rounding, so the two may differ in the last bit of a value, never more.
;; The memory is the caller's buffer and never grows (growing detaches its ArrayBuffer, and V8 then
;; guards every typed-array access in the process): 257 pages, 4M floats and a page to spare.
(module
  (memory (export "memory") 257 257)

  ;; wordBits(s0, s1, w) of src/mark/pattern.ts.
  (func $bits (param $s0 i32) (param $s1 i32) (param $w i32) (result i32)
    (local $h i32)
    (local.set $h (i32.xor (i32.mul (local.get $w) (i32.const 0x9e3779b1)) (local.get $s0)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.add (local.get $h) (local.get $s1)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x2c1b3c6d)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 12))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x297a2d39)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))

  (func (export "bits") (param $s0 i32) (param $s1 i32) (param $w i32) (result i32)
    (call $bits (local.get $s0) (local.get $s1) (local.get $w)))

  ;; $rows rows of $cols float32 at $ptr (byte offset), in place.
  (func (export "mark") (param $ptr i32) (param $rows i32) (param $cols i32) (param $w i32) (param $s0 i32) (param $s1 i32) (param $strength f64)
    (local $r i32) (local $p i32) (local $end i32) (local $x v128) (local $a0 v128) (local $a1 v128)
    (local $amp v128) (local $neg v128) (local $bv v128) (local $g i32) (local $ss f64)
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $cols) (i32.const 2))))
      ;; sum of squares
      (local.set $a0 (v128.const f64x2 0 0))
      (local.set $a1 (v128.const f64x2 0 0))
      (local.set $p (local.get $ptr))
      (block $sqDone (loop $sq
        (br_if $sqDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $x (v128.load (local.get $p)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.promote_low_f32x4 (local.get $x)))))
        (local.set $x (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.promote_low_f32x4 (local.get $x)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $sq)))
      (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
      (local.set $ss (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
      (local.set $amp (f32x4.splat (f32.demote_f64 (f64.mul (local.get $strength) (f64.sqrt (f64.div (local.get $ss) (f64.convert_i32_u (local.get $cols))))))))
      (local.set $neg (f32x4.neg (local.get $amp)))
      ;; the pattern, one word (8 groups of 4 entries) at a time
      (local.set $p (local.get $ptr))
      (block $wordsDone (loop $words
        (br_if $wordsDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $bv (i32x4.splat (call $bits (local.get $s0) (local.get $s1) (local.get $w))))
        (local.set $g (i32.const 0))
        (loop $groups
          (v128.store (local.get $p)
            (f32x4.add (v128.load (local.get $p))
              (v128.bitselect (local.get $amp) (local.get $neg)
                (i32x4.ne (v128.and (local.get $bv) (v128.const i32x4 1 2 4 8)) (v128.const i32x4 0 0 0 0)))))
          (local.set $bv (i32x4.shr_u (local.get $bv) (i32.const 4)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $g (i32.add (local.get $g) (i32.const 1)))
          (br_if $groups (i32.lt_u (local.get $g) (i32.const 8))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $words)))
      (local.set $ptr (local.get $end))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )
)
