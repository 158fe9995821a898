;; The inner loop of WordHash (src/store/word-hash.ts): a Fletcher sum over 32-bit words in 8 lanes,
;; two vectors of 4 at a time: a += w; b += a (wrapping). State at $s: a0, b0, a1, b1 (4 × v128).
;; $n is a multiple of 32 bytes; the caller pads the last block.
(module
  (import "env" "memory" (memory 1))
  (func (export "hash") (param $p i32) (param $n i32) (param $s i32)
    (local $end i32) (local $a0 v128) (local $b0 v128) (local $a1 v128) (local $b1 v128)
    (local.set $a0 (v128.load (local.get $s)))
    (local.set $b0 (v128.load offset=16 (local.get $s)))
    (local.set $a1 (v128.load offset=32 (local.get $s)))
    (local.set $b1 (v128.load offset=48 (local.get $s)))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a0 (i32x4.add (local.get $a0) (v128.load (local.get $p))))
        (local.set $b0 (i32x4.add (local.get $b0) (local.get $a0)))
        (local.set $a1 (i32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
        (local.set $b1 (i32x4.add (local.get $b1) (local.get $a1)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next)))
    (v128.store (local.get $s) (local.get $a0))
    (v128.store offset=16 (local.get $s) (local.get $b0))
    (v128.store offset=32 (local.get $s) (local.get $a1))
    (v128.store offset=48 (local.get $s) (local.get $b1))))
