import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AppHeader } from './_components/AppHeader.tsx';
import { SessionProvider } from './_components/session.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Robustlab',
  description: 'Experiment tracker for model robustness',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionProvider>
          <AppHeader />
          <main className="page">{children}</main>
        </SessionProvider>
      </body>
    </html>
  );
}
