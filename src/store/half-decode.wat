;; decode(src, dst, n): n half-precision values at src (little-endian u16) → float32 at dst, 8 at a
;; time. n is a multiple of 8 (the caller does the tail). Exact for every finite value, zero and
;; subnormal: the half's exponent and mantissa shifted into a float32 are the value × 2^-112, so one
;; multiply by 2^112 rescales it (a subnormal half becomes a subnormal float32 first, and the
;; multiply normalises it; WebAssembly never flushes subnormals). Infinity and NaN halves (exponent
;; 31) get the float32 exponent 255 instead. The sign bit is put back last.
(module
  (import "env" "memory" (memory 1))
  (func (export "decode") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $h v128) (local $lo v128) (local $hi v128)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $h (v128.load (local.get $src)))
        (local.set $lo (i32x4.extend_low_i16x8_u (local.get $h)))
        (local.set $hi (i32x4.extend_high_i16x8_u (local.get $h)))
        (v128.store (local.get $dst) (call $four (local.get $lo)))
        (v128.store offset=16 (local.get $dst) (call $four (local.get $hi)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br $next))))
  ;; four halves (each in the low 16 bits of a lane) → four float32 bit patterns
  (func $four (param $h v128) (result v128)
    (local $magnitude v128) (local $f v128)
    (local.set $magnitude (v128.and (local.get $h) (i32x4.splat (i32.const 0x7fff))))
    (local.set $f (f32x4.mul (i32x4.shl (local.get $magnitude) (i32.const 13)) (f32x4.splat (f32.const 0x1p112))))
    ;; exponent 31 (magnitude ≥ 0x7c00): infinity or NaN
    (local.set $f
      (v128.bitselect
        (v128.or (i32x4.shl (local.get $magnitude) (i32.const 13)) (i32x4.splat (i32.const 0x70000000)))
        (local.get $f)
        (i32x4.ge_u (local.get $magnitude) (i32x4.splat (i32.const 0x7c00)))))
    (v128.or (local.get $f) (i32x4.shl (v128.and (local.get $h) (i32x4.splat (i32.const 0x8000))) (i32.const 16)))))
