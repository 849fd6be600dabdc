import type { ReactNode } from 'react'
import './globals.css'

export const metadata = {
  title: 'Pikku native + Next.js',
  description: 'Typed functions served by the Pikku engine inside the App Router',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  )
}
