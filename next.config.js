/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Type-check only the dashboard during `next build`; the server, worker and
  // tests are checked by `npm run typecheck` and run through tsx.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
};

export default nextConfig;
