import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The API address is read per request by the proxy route, so one build serves any stack.
  poweredByHeader: false,
  reactStrictMode: true,
  agentRules: false,
  experimental: {
    agentUpgrade: false,
  },
} as NextConfig;

export default nextConfig;
