"""TikTok's official Display API (read-only): OAuth 2.0 with PKCE, encrypted tokens, sync.

The only layer besides the adapters that does HTTP. Commands reach it through
``bot.core.connections.TikTokLink``; ``bot.app`` wires it.
"""
