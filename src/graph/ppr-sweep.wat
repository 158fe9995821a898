;; The Personalized PageRank inner loop (see ppr-kernel.ts), compiled to WebAssembly because V8's
;; JavaScript for the same loop runs at about half this speed: ~1 ns instead of ~1.9 ns per
;; adjacency entry, the difference being bounds checks and boxed loads on the random gather.
;; Assembled by scripts/build-ppr-wasm.ts into ppr-sweep-wasm.ts (a test checks they match).
;;
;; sweep: one over-relaxed Gauss-Seidel sweep over all n rows of a symmetric CSR, in place:
;;   acc_j = a + b,  a = Σ w[k] · u[tgt[k]] over the row's even entries k = off[j], off[j]+2, …,
;;                   b = the same over its odd entries (each sum in order; measured 13% faster
;;                   than one running sum, whose every addition waits for the previous one)
;;   δ_j   = ω · (v_j + d · acc_j − u_j);   u_j += δ_j
;; The order of operations is exactly the JavaScript reference's, so results are bit-identical.
;; Pointers are byte offsets into the shared memory; off and tgt are u32, w, u and v are f64.
;; out[0] = max |δ|, out[1] = Σ δ.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "sweep")
    (param $n i32) (param $off i32) (param $tgt i32) (param $w i32)
    (param $u i32) (param $v i32) (param $d f64) (param $omega f64) (param $out i32)
    (local $pt i32) (local $pw i32) (local $pe i32) (local $pu i32) (local $pv i32) (local $pend i32)
    (local $acc f64) (local $old f64) (local $delta f64) (local $max f64) (local $sum f64)
    (local $acc1 f64) (local $pe1 i32)
    (local.set $pu (local.get $u))
    (local.set $pv (local.get $v))
    (local.set $pend (i32.add (local.get $u) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $pt (i32.add (local.get $tgt) (i32.shl (i32.load (local.get $off)) (i32.const 2))))
    (local.set $pw (i32.add (local.get $w) (i32.shl (i32.load (local.get $off)) (i32.const 3))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $pu) (local.get $pend)))
        ;; this row's entries end where the next row's begin
        (local.set $pe (i32.add (local.get $tgt) (i32.shl (i32.load offset=4 (local.get $off)) (i32.const 2))))
        ;; two partial sums (even and odd entries of the row), so two additions are in flight:
        ;; with one sum the loop waits on each f64.add's latency (~4 cycles per entry)
        (local.set $acc (f64.const 0))
        (local.set $acc1 (f64.const 0))
        (local.set $pe1 (i32.sub (local.get $pe) (i32.const 4)))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_u (local.get $pt) (local.get $pe1)))
            (local.set $acc (f64.add (local.get $acc)
              (f64.mul (f64.load (local.get $pw))
                       (f64.load (i32.add (local.get $u) (i32.shl (i32.load (local.get $pt)) (i32.const 3)))))))
            (local.set $acc1 (f64.add (local.get $acc1)
              (f64.mul (f64.load offset=8 (local.get $pw))
                       (f64.load (i32.add (local.get $u) (i32.shl (i32.load offset=4 (local.get $pt)) (i32.const 3)))))))
            (local.set $pt (i32.add (local.get $pt) (i32.const 8)))
            (local.set $pw (i32.add (local.get $pw) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $pt) (local.get $pe))
          (then
            (local.set $acc (f64.add (local.get $acc)
              (f64.mul (f64.load (local.get $pw))
                       (f64.load (i32.add (local.get $u) (i32.shl (i32.load (local.get $pt)) (i32.const 3)))))))
            (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
            (local.set $pw (i32.add (local.get $pw) (i32.const 8)))))
        (local.set $acc (f64.add (local.get $acc) (local.get $acc1)))
        (local.set $old (f64.load (local.get $pu)))
        (local.set $delta (f64.mul (local.get $omega)
          (f64.sub (f64.add (f64.load (local.get $pv)) (f64.mul (local.get $d) (local.get $acc)))
                   (local.get $old))))
        (f64.store (local.get $pu) (f64.add (local.get $old) (local.get $delta)))
        (local.set $sum (f64.add (local.get $sum) (local.get $delta)))
        (local.set $max (f64.max (local.get $max) (f64.abs (local.get $delta))))
        (local.set $pu (i32.add (local.get $pu) (i32.const 8)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 8)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $rows)))
    (f64.store (local.get $out) (local.get $max))
    (f64.store offset=8 (local.get $out) (local.get $sum)))

;; sweep8: the same sweep for a block of 8 reset vectors at once (personalizedPageRankMany). U and V
;; are n × 8 row-major (node j's 8 values in one 64-byte cache line), so each adjacency entry is read
;; once per 8 queries and its gather loads one line: (n × n sparse) · (n × 8 dense) per sweep.
;; Column c is computed with f64x2 lanes doing exactly the scalar sweep's operations in the same
;; order (no FMA, the same summation order), so every column is bit-identical to `sweep` on it.
;; out[0..8) = max |δ| per column, out[8..16) = Σ δ per column.
  (func (export "sweep8")
    (param $n i32) (param $off i32) (param $tgt i32) (param $w i32)
    (param $u i32) (param $v i32) (param $d f64) (param $omega f64) (param $out i32)
    (local $pt i32) (local $pw i32) (local $pe i32) (local $pu i32) (local $pv i32) (local $pend i32) (local $q i32)
    (local $wk v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $pe1 i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $o v128) (local $x v128) (local $dd v128) (local $om v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $dd (f64x2.splat (local.get $d)))
    (local.set $om (f64x2.splat (local.get $omega)))
    (local.set $pu (local.get $u))
    (local.set $pv (local.get $v))
    (local.set $pend (i32.add (local.get $u) (i32.shl (local.get $n) (i32.const 6))))
    (local.set $pt (i32.add (local.get $tgt) (i32.shl (i32.load (local.get $off)) (i32.const 2))))
    (local.set $pw (i32.add (local.get $w) (i32.shl (i32.load (local.get $off)) (i32.const 3))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $pu) (local.get $pend)))
        (local.set $pe (i32.add (local.get $tgt) (i32.shl (i32.load offset=4 (local.get $off)) (i32.const 2))))
        ;; even entries into a0..a3, odd ones into b0..b3 (sweep's two partial sums), then a += b
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $b2 (v128.const i64x2 0 0))
        (local.set $b3 (v128.const i64x2 0 0))
        (local.set $pe1 (i32.sub (local.get $pe) (i32.const 4)))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_u (local.get $pt) (local.get $pe1)))
            (local.set $wk (v128.load64_splat offset=0 (local.get $pw)))
            (local.set $q (i32.add (local.get $u) (i32.shl (i32.load offset=0 (local.get $pt)) (i32.const 6))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $wk) (v128.load (local.get $q)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $wk) (v128.load offset=16 (local.get $q)))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $wk) (v128.load offset=32 (local.get $q)))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $wk) (v128.load offset=48 (local.get $q)))))
            (local.set $wk (v128.load64_splat offset=8 (local.get $pw)))
            (local.set $q (i32.add (local.get $u) (i32.shl (i32.load offset=4 (local.get $pt)) (i32.const 6))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $wk) (v128.load (local.get $q)))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $wk) (v128.load offset=16 (local.get $q)))))
            (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $wk) (v128.load offset=32 (local.get $q)))))
            (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $wk) (v128.load offset=48 (local.get $q)))))
            (local.set $pt (i32.add (local.get $pt) (i32.const 8)))
            (local.set $pw (i32.add (local.get $pw) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $pt) (local.get $pe))
          (then
              (local.set $wk (v128.load64_splat offset=0 (local.get $pw)))
              (local.set $q (i32.add (local.get $u) (i32.shl (i32.load offset=0 (local.get $pt)) (i32.const 6))))
              (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $wk) (v128.load (local.get $q)))))
              (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $wk) (v128.load offset=16 (local.get $q)))))
              (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $wk) (v128.load offset=32 (local.get $q)))))
              (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $wk) (v128.load offset=48 (local.get $q)))))
              (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
              (local.set $pw (i32.add (local.get $pw) (i32.const 8)))))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $b0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $b1)))
        (local.set $a2 (f64x2.add (local.get $a2) (local.get $b2)))
        (local.set $a3 (f64x2.add (local.get $a3) (local.get $b3)))
        ;; δ = ω · (v + d · acc − old); u = old + δ, for each pair of columns
        (local.set $o (v128.load (local.get $pu)))
        (local.set $x (f64x2.mul (local.get $om) (f64x2.sub (f64x2.add (v128.load (local.get $pv)) (f64x2.mul (local.get $dd) (local.get $a0))) (local.get $o))))
        (v128.store (local.get $pu) (f64x2.add (local.get $o) (local.get $x)))
        (local.set $s0 (f64x2.add (local.get $s0) (local.get $x)))
        (local.set $m0 (f64x2.max (local.get $m0) (f64x2.abs (local.get $x))))
        (local.set $o (v128.load offset=16 (local.get $pu)))
        (local.set $x (f64x2.mul (local.get $om) (f64x2.sub (f64x2.add (v128.load offset=16 (local.get $pv)) (f64x2.mul (local.get $dd) (local.get $a1))) (local.get $o))))
        (v128.store offset=16 (local.get $pu) (f64x2.add (local.get $o) (local.get $x)))
        (local.set $s1 (f64x2.add (local.get $s1) (local.get $x)))
        (local.set $m1 (f64x2.max (local.get $m1) (f64x2.abs (local.get $x))))
        (local.set $o (v128.load offset=32 (local.get $pu)))
        (local.set $x (f64x2.mul (local.get $om) (f64x2.sub (f64x2.add (v128.load offset=32 (local.get $pv)) (f64x2.mul (local.get $dd) (local.get $a2))) (local.get $o))))
        (v128.store offset=32 (local.get $pu) (f64x2.add (local.get $o) (local.get $x)))
        (local.set $s2 (f64x2.add (local.get $s2) (local.get $x)))
        (local.set $m2 (f64x2.max (local.get $m2) (f64x2.abs (local.get $x))))
        (local.set $o (v128.load offset=48 (local.get $pu)))
        (local.set $x (f64x2.mul (local.get $om) (f64x2.sub (f64x2.add (v128.load offset=48 (local.get $pv)) (f64x2.mul (local.get $dd) (local.get $a3))) (local.get $o))))
        (v128.store offset=48 (local.get $pu) (f64x2.add (local.get $o) (local.get $x)))
        (local.set $s3 (f64x2.add (local.get $s3) (local.get $x)))
        (local.set $m3 (f64x2.max (local.get $m3) (f64x2.abs (local.get $x))))
        (local.set $pu (i32.add (local.get $pu) (i32.const 64)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 64)))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $rows)))
    (v128.store (local.get $out) (local.get $m0))
    (v128.store offset=16 (local.get $out) (local.get $m1))
    (v128.store offset=32 (local.get $out) (local.get $m2))
    (v128.store offset=48 (local.get $out) (local.get $m3))
    (v128.store offset=64 (local.get $out) (local.get $s0))
    (v128.store offset=80 (local.get $out) (local.get $s1))
    (v128.store offset=96 (local.get $out) (local.get $s2))
    (v128.store offset=112 (local.get $out) (local.get $s3))))
