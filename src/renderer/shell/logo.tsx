/** A lifebuoy: a white ring with four red bands. Drawn inline so it needs no asset pipeline or CSP entry. */
export function Logo({ size = 32, title }: { size?: number; title?: string }) {
  const r = 11;
  const band = (2 * Math.PI * r) / 8;
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 32 32"
      role={title ? 'img' : undefined}
      aria-label={title}
      aria-hidden={title ? undefined : true}
    >
      <circle cx="16" cy="16" r={r} fill="none" stroke="#ffffff" strokeWidth="7" />
      <circle
        cx="16"
        cy="16"
        r={r}
        fill="none"
        stroke="#e8590c"
        strokeWidth="7"
        strokeDasharray={`${band} ${band}`}
        strokeDashoffset={band / 2}
      />
      <circle cx="16" cy="16" r={r + 3.5} fill="none" stroke="#0b7285" strokeWidth="1" />
      <circle cx="16" cy="16" r={r - 3.5} fill="none" stroke="#0b7285" strokeWidth="1" />
    </svg>
  );
}
