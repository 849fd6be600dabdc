import type { ReactNode } from 'react'

export const metadata = {
  title: 'Pikku native + Next.js',
  description: 'Typed functions served by the Pikku engine inside the App Router',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '2rem auto', padding: '0 1rem' }}>
        {children}
      </body>
    </html>
  )
}
