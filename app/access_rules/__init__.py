"""The requirements `app.access` composes into its table of actions: the general ones
(roles, ownership, a plan's features) in `base`, the forum's and messages' in
`community`. Nothing outside `app.access` should need them."""
