;; Poly1305 block function (RFC 8439 section 2.5) in the poly1305-donna-32 style: the 130-bit
;; accumulator h and the clamped key r are held as five 26-bit limbs, so every limb product fits
;; in 64 bits exactly (i64.mul of two zero-extended 32-bit values) and a row of five such products
;; stays far below 2^64. Reduction mod p = 2^130 - 5 uses 2^130 = 5 (mod p): the limbs of r
;; that would land at or above 2^130 are pre-multiplied by 5 (s1..s4).
;;
;; This is our own code, written from the RFC. It is assembled to poly1305-wasm.ts by
;; scripts/build-poly1305-wasm.mjs; the glue (key clamping, partial last block, final
;; reduction and the addition of s) is in ../poly1305.ts.
;;
;; Memory layout (2 pages, fixed size):
;;   0..19     h0..h4  (i32 little-endian, each < 2^26 + small carry between calls)
;;   20..39    r0..r4  (i32, clamped, each < 2^26)
;;   64..79    scratch block for the padded final partial block (written by the glue)
;;   65536..   message buffer, 65536 bytes (whole 16-byte blocks only)
(module
  (memory (export "memory") 2 2)

  ;; h = (h + m) * r mod p for every 16-byte block m in [ptr, ptr + len); len is a multiple
  ;; of 16. hibit is 1 << 24 (the 2^128 bit, i.e. bit 24 of limb 4) for full blocks and 0 for
  ;; the padded final block, whose 0x01 marker the glue has already written.
  (func (export "blocks") (param $ptr i32) (param $len i32) (param $hibit i32)
    (local $end i32)
    (local $lo i64) (local $hi i64) (local $hb i64)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64) (local $r4 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $c i64)

    (local.set $h0 (i64.load32_u offset=0 (i32.const 0)))
    (local.set $h1 (i64.load32_u offset=4 (i32.const 0)))
    (local.set $h2 (i64.load32_u offset=8 (i32.const 0)))
    (local.set $h3 (i64.load32_u offset=12 (i32.const 0)))
    (local.set $h4 (i64.load32_u offset=16 (i32.const 0)))
    (local.set $r0 (i64.load32_u offset=20 (i32.const 0)))
    (local.set $r1 (i64.load32_u offset=24 (i32.const 0)))
    (local.set $r2 (i64.load32_u offset=28 (i32.const 0)))
    (local.set $r3 (i64.load32_u offset=32 (i32.const 0)))
    (local.set $r4 (i64.load32_u offset=36 (i32.const 0)))
    (local.set $s1 (i64.mul (local.get $r1) (i64.const 5)))
    (local.set $s2 (i64.mul (local.get $r2) (i64.const 5)))
    (local.set $s3 (i64.mul (local.get $r3) (i64.const 5)))
    (local.set $s4 (i64.mul (local.get $r4) (i64.const 5)))
    (local.set $hb (i64.extend_i32_u (local.get $hibit)))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))

    (block $done
      (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
      (loop $next
        ;; h += m, the 128-bit block split into 26-bit limbs (bits 0-25, 26-51, 52-77, 78-103,
        ;; 104-127 plus the 2^128 bit).
        (local.set $lo (i64.load offset=0 (local.get $ptr)))
        (local.set $hi (i64.load offset=8 (local.get $ptr)))
        (local.set $h0 (i64.add (local.get $h0)
          (i64.and (local.get $lo) (i64.const 0x3ffffff))))
        (local.set $h1 (i64.add (local.get $h1)
          (i64.and (i64.shr_u (local.get $lo) (i64.const 26)) (i64.const 0x3ffffff))))
        (local.set $h2 (i64.add (local.get $h2)
          (i64.and
            (i64.or (i64.shr_u (local.get $lo) (i64.const 52)) (i64.shl (local.get $hi) (i64.const 12)))
            (i64.const 0x3ffffff))))
        (local.set $h3 (i64.add (local.get $h3)
          (i64.and (i64.shr_u (local.get $hi) (i64.const 14)) (i64.const 0x3ffffff))))
        (local.set $h4 (i64.add (local.get $h4)
          (i64.or (i64.shr_u (local.get $hi) (i64.const 40)) (local.get $hb))))

        ;; d = h * r, the limbs past 2^130 folded back with the factor 5
        (local.set $d0 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r0))
          (i64.mul (local.get $h1) (local.get $s4)))
          (i64.mul (local.get $h2) (local.get $s3)))
          (i64.mul (local.get $h3) (local.get $s2)))
          (i64.mul (local.get $h4) (local.get $s1))))
        (local.set $d1 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r1))
          (i64.mul (local.get $h1) (local.get $r0)))
          (i64.mul (local.get $h2) (local.get $s4)))
          (i64.mul (local.get $h3) (local.get $s3)))
          (i64.mul (local.get $h4) (local.get $s2))))
        (local.set $d2 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r2))
          (i64.mul (local.get $h1) (local.get $r1)))
          (i64.mul (local.get $h2) (local.get $r0)))
          (i64.mul (local.get $h3) (local.get $s4)))
          (i64.mul (local.get $h4) (local.get $s3))))
        (local.set $d3 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r3))
          (i64.mul (local.get $h1) (local.get $r2)))
          (i64.mul (local.get $h2) (local.get $r1)))
          (i64.mul (local.get $h3) (local.get $r0)))
          (i64.mul (local.get $h4) (local.get $s4))))
        (local.set $d4 (i64.add (i64.add (i64.add (i64.add
          (i64.mul (local.get $h0) (local.get $r4))
          (i64.mul (local.get $h1) (local.get $r3)))
          (i64.mul (local.get $h2) (local.get $r2)))
          (i64.mul (local.get $h3) (local.get $r1)))
          (i64.mul (local.get $h4) (local.get $r0))))

        ;; partial carry propagation: limbs back to 26 bits (h1 may keep one extra bit)
        (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
        (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
        (local.set $d1 (i64.add (local.get $d1) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d1) (i64.const 26)))
        (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
        (local.set $d2 (i64.add (local.get $d2) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d2) (i64.const 26)))
        (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
        (local.set $d3 (i64.add (local.get $d3) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d3) (i64.const 26)))
        (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
        (local.set $d4 (i64.add (local.get $d4) (local.get $c)))
        (local.set $c (i64.shr_u (local.get $d4) (i64.const 26)))
        (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
        (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
        (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
        (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
        (local.set $h1 (i64.add (local.get $h1) (local.get $c)))

        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $ptr) (local.get $end)))
      )
    )

    (i32.store offset=0 (i32.const 0) (i32.wrap_i64 (local.get $h0)))
    (i32.store offset=4 (i32.const 0) (i32.wrap_i64 (local.get $h1)))
    (i32.store offset=8 (i32.const 0) (i32.wrap_i64 (local.get $h2)))
    (i32.store offset=12 (i32.const 0) (i32.wrap_i64 (local.get $h3)))
    (i32.store offset=16 (i32.const 0) (i32.wrap_i64 (local.get $h4)))
  )
)
