;; pedigree: dot products of query rows against candidate rows, WebAssembly 128-bit SIMD.
;;
;; dots(qPtr, m, cPtr, n, d, outPtr): out[i*n + j] = sum_k q[i*d + k] * c[j*d + k] for i < m, j < n.
;; q (m x d), c (n x d) and out (m x n) are row-major f32 arrays at byte offsets qPtr, cPtr, outPtr of
;; the imported memory (env.memory). Pointers need no alignment (loads and stores are unaligned-safe); out must not
;; overlap q or c. Only fixed-width SIMD is used (no relaxed SIMD, no fused multiply-add).
;;
;; Summation order (the same for every output, whichever kernel below computes it): let d4 = d - d%4.
;; Four f32 lane sums L0..L3 start at +0 and lane l adds fl(q[k]*c[k]) for k = l, l+4, l+8, ... < d4
;; in increasing k, each product and each sum rounded to f32. The lanes are then combined as
;; (L0 + L2) + (L1 + L3), and the tail terms fl(q[k]*c[k]) for k = d4 .. d-1 are added one at a time
;; in increasing k, again rounded to f32 after each step.
;;
;; Loop structure: candidates are processed in blocks of ~BLOCK_BYTES of candidate rows (so a block
;; stays in cache while every query pair streams past it); within a block a 2 queries x 4 candidates
;; register tile keeps 8 v128 accumulators. An odd last query row uses a 1 x 4 tile, and the last
;; n % 4 candidates use a 1 x 1 kernel for every query row.
;;
;; Regenerate the embedded bytes after editing: npm run build:wasm
(module
;; The memory is the caller's: a bigger call gets a fresh memory and instance, never a grow (growing
;; detaches the old ArrayBuffer, and V8 then guards every typed-array access in the process).
  (import "env" "memory" (memory 1))

  ;; bytes of candidate rows per cache block
  (global $BLOCK_BYTES i32 (i32.const 65536))

  ;; Horizontal sums of four accumulators: lane t of the result is (T0 + T2) + (T1 + T3) for the
  ;; lanes T0..T3 of argument t.
  (func $hsum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $u v128) (local $v v128)
    ;; u = [a0+a2, a1+a3, b0+b2, b1+b3]
    (local.set $u
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    ;; v = [c0+c2, c1+c3, d0+d2, d1+d3]
    (local.set $v
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    ;; [u0, u2, v0, v2] + [u1, u3, v1, v3]
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $u) (local.get $v))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $u) (local.get $v))))

  ;; [c0[k], c1[k], c2[k], c3[k]] for the tail column at byte offset $kb of four candidate rows.
  (func $column4 (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $kb i32) (result v128)
    (f32x4.replace_lane 3
      (f32x4.replace_lane 2
        (f32x4.replace_lane 1
          (f32x4.splat (f32.load (i32.add (local.get $p0) (local.get $kb))))
          (f32.load (i32.add (local.get $p1) (local.get $kb))))
        (f32.load (i32.add (local.get $p2) (local.get $kb))))
      (f32.load (i32.add (local.get $p3) (local.get $kb)))))

  ;; One query row (at $pa) against four candidate rows starting at $p0 (row stride $rowB bytes);
  ;; stores 4 results at $o. $d4b = bytes of the SIMD part, $db = bytes of a row.
  (func $tile1x4 (param $pa i32) (param $p0 i32) (param $rowB i32) (param $d4b i32) (param $db i32) (param $o i32)
    (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $kb i32)
    (local $x v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $r v128)
    (local.set $p1 (i32.add (local.get $p0) (local.get $rowB)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $rowB)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $rowB)))
    (block $done
      (br_if $done (i32.eqz (local.get $d4b)))
      (loop $k
        (local.set $x (v128.load align=4 (i32.add (local.get $pa) (local.get $kb))))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (local.get $x) (v128.load align=4 (i32.add (local.get $p0) (local.get $kb))))))
        (local.set $a1 (f32x4.add (local.get $a1)
          (f32x4.mul (local.get $x) (v128.load align=4 (i32.add (local.get $p1) (local.get $kb))))))
        (local.set $a2 (f32x4.add (local.get $a2)
          (f32x4.mul (local.get $x) (v128.load align=4 (i32.add (local.get $p2) (local.get $kb))))))
        (local.set $a3 (f32x4.add (local.get $a3)
          (f32x4.mul (local.get $x) (v128.load align=4 (i32.add (local.get $p3) (local.get $kb))))))
        (br_if $k (i32.lt_u
          (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
          (local.get $d4b)))))
    (local.set $r (call $hsum4 (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3)))
    ;; tail columns, lane-wise (each lane is an ordinary f32 multiply then add)
    (block $tdone
      (loop $t
        (br_if $tdone (i32.ge_u (local.get $kb) (local.get $db)))
        (local.set $r (f32x4.add (local.get $r)
          (f32x4.mul
            (f32x4.splat (f32.load (i32.add (local.get $pa) (local.get $kb))))
            (call $column4 (local.get $p0) (local.get $p1) (local.get $p2) (local.get $p3) (local.get $kb)))))
        (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
        (br $t)))
    (v128.store align=4 (local.get $o) (local.get $r)))

  ;; One query row (at $pa) against one candidate row (at $pc); returns the dot product.
  (func $dot1 (param $pa i32) (param $pc i32) (param $d4b i32) (param $db i32) (result f32)
    (local $kb i32) (local $a v128) (local $s f32)
    (block $done
      (br_if $done (i32.eqz (local.get $d4b)))
      (loop $k
        (local.set $a (f32x4.add (local.get $a)
          (f32x4.mul
            (v128.load align=4 (i32.add (local.get $pa) (local.get $kb)))
            (v128.load align=4 (i32.add (local.get $pc) (local.get $kb))))))
        (br_if $k (i32.lt_u
          (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
          (local.get $d4b)))))
    ;; [L0+L2, L1+L3, ...] then (L0+L2) + (L1+L3)
    (local.set $a (f32x4.add (local.get $a)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
    (local.set $s (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a))))
    (block $tdone
      (loop $t
        (br_if $tdone (i32.ge_u (local.get $kb) (local.get $db)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul
            (f32.load (i32.add (local.get $pa) (local.get $kb)))
            (f32.load (i32.add (local.get $pc) (local.get $kb))))))
        (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
        (br $t)))
    (local.get $s))

  (func (export "dots") (param $q i32) (param $m i32) (param $c i32) (param $n i32) (param $d i32) (param $out i32)
    (local $rowB i32) (local $d4b i32) (local $n4 i32) (local $nb i32) (local $outRowB i32)
    (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $kb i32)
    (local $pa i32) (local $pb i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $oa i32) (local $ob i32)
    (local $x v128) (local $y v128) (local $w v128) (local $cv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $ra v128) (local $rb v128) (local $u v128) (local $v v128)
    (local.set $rowB (i32.shl (local.get $d) (i32.const 2)))
    (local.set $d4b (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $outRowB (i32.shl (local.get $n) (i32.const 2)))
    ;; candidates per cache block: a multiple of 4, at least 4
    (local.set $nb (i32.and
      (i32.div_u (global.get $BLOCK_BYTES) (select (local.get $rowB) (i32.const 4) (local.get $rowB)))
      (i32.const -4)))
    (if (i32.lt_u (local.get $nb) (i32.const 4)) (then (local.set $nb (i32.const 4))))

    ;; candidates 0 .. n4-1, block by block
    (local.set $j0 (i32.const 0))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $j0) (local.get $n4)))
        (local.set $j1 (i32.add (local.get $j0) (local.get $nb)))
        (if (i32.gt_u (local.get $j1) (local.get $n4)) (then (local.set $j1 (local.get $n4))))

        ;; query pairs
        (local.set $i (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $m)))
            (local.set $pa (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $rowB))))
            (local.set $pb (i32.add (local.get $pa) (local.get $rowB)))
            (local.set $oa (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j0)) (i32.const 2))))
            (local.set $ob (i32.add (local.get $oa) (local.get $outRowB)))
            (local.set $p0 (i32.add (local.get $c) (i32.mul (local.get $j0) (local.get $rowB))))
            (local.set $j (local.get $j0))
            (loop $quads
              (local.set $p1 (i32.add (local.get $p0) (local.get $rowB)))
              (local.set $p2 (i32.add (local.get $p1) (local.get $rowB)))
              (local.set $p3 (i32.add (local.get $p2) (local.get $rowB)))
              (local.set $a0 (v128.const i64x2 0 0))
              (local.set $a1 (v128.const i64x2 0 0))
              (local.set $a2 (v128.const i64x2 0 0))
              (local.set $a3 (v128.const i64x2 0 0))
              (local.set $b0 (v128.const i64x2 0 0))
              (local.set $b1 (v128.const i64x2 0 0))
              (local.set $b2 (v128.const i64x2 0 0))
              (local.set $b3 (v128.const i64x2 0 0))
              (local.set $kb (i32.const 0))
              ;; the 2 x 4 tile: 6 loads, 8 multiplies, 8 adds per 4 columns
              (block $kDone
                (br_if $kDone (i32.eqz (local.get $d4b)))
                (loop $k
                  (local.set $x (v128.load align=4 (i32.add (local.get $pa) (local.get $kb))))
                  (local.set $y (v128.load align=4 (i32.add (local.get $pb) (local.get $kb))))
                  (local.set $w (v128.load align=4 (i32.add (local.get $p0) (local.get $kb))))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (local.get $w))))
                  (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $y) (local.get $w))))
                  (local.set $w (v128.load align=4 (i32.add (local.get $p1) (local.get $kb))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (local.get $w))))
                  (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $y) (local.get $w))))
                  (local.set $w (v128.load align=4 (i32.add (local.get $p2) (local.get $kb))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (local.get $w))))
                  (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $y) (local.get $w))))
                  (local.set $w (v128.load align=4 (i32.add (local.get $p3) (local.get $kb))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (local.get $w))))
                  (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $y) (local.get $w))))
                  (br_if $k (i32.lt_u
                    (local.tee $kb (i32.add (local.get $kb) (i32.const 16)))
                    (local.get $d4b)))))
              ;; horizontal sums, as $hsum4 (inlined: V8 does not inline wasm calls, and this is hot for small d)
              (local.set $u
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1))))
              (local.set $v
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3))))
              (local.set $ra
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $u) (local.get $v))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $u) (local.get $v))))
              (local.set $u
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b0) (local.get $b1))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b0) (local.get $b1))))
              (local.set $v
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b2) (local.get $b3))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $b2) (local.get $b3))))
              (local.set $rb
                (f32x4.add
                  (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $u) (local.get $v))
                  (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $u) (local.get $v))))
              ;; tail columns d4 .. d-1, lane-wise
              (block $tDone
                (loop $t
                  (br_if $tDone (i32.ge_u (local.get $kb) (local.get $rowB)))
                  (local.set $cv (call $column4 (local.get $p0) (local.get $p1) (local.get $p2) (local.get $p3) (local.get $kb)))
                  (local.set $ra (f32x4.add (local.get $ra)
                    (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $pa) (local.get $kb)))) (local.get $cv))))
                  (local.set $rb (f32x4.add (local.get $rb)
                    (f32x4.mul (f32x4.splat (f32.load (i32.add (local.get $pb) (local.get $kb)))) (local.get $cv))))
                  (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
                  (br $t)))
              (v128.store align=4 (local.get $oa) (local.get $ra))
              (v128.store align=4 (local.get $ob) (local.get $rb))
              (local.set $oa (i32.add (local.get $oa) (i32.const 16)))
              (local.set $ob (i32.add (local.get $ob) (i32.const 16)))
              (local.set $p0 (i32.add (local.get $p3) (local.get $rowB)))
              (br_if $quads (i32.lt_u
                (local.tee $j (i32.add (local.get $j) (i32.const 4)))
                (local.get $j1))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $pairs)))

        ;; an odd last query row: 1 x 4 tiles
        (if (i32.and (local.get $m) (i32.const 1))
          (then
            (local.set $i (i32.sub (local.get $m) (i32.const 1)))
            (local.set $pa (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $rowB))))
            (local.set $j (local.get $j0))
            (loop $quads1
              (call $tile1x4
                (local.get $pa)
                (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $rowB)))
                (local.get $rowB) (local.get $d4b) (local.get $rowB)
                (i32.add (local.get $out)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
              (br_if $quads1 (i32.lt_u
                (local.tee $j (i32.add (local.get $j) (i32.const 4)))
                (local.get $j1))))))

        (local.set $j0 (local.get $j1))
        (br $blocks)))

    ;; the last n % 4 candidates, one dot product at a time
    (local.set $j (local.get $n4))
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $p0 (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $rowB))))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
            (f32.store
              (i32.add (local.get $out)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (call $dot1
                (i32.add (local.get $q) (i32.mul (local.get $i) (local.get $rowB)))
                (local.get $p0) (local.get $d4b) (local.get $rowB)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rest))))
)
