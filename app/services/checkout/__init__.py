"""Checkout: an order filled in step by step, reviewed, then confirmed once.

- `orders`: starting, finding, claiming and cancelling an order;
- `steps`: the answers of each step (eligibility, details, payment method);
- `figures`: what Review shows and what will be charged;
- `acceptances`: the documents accepted, and the record of who accepted them;
- `confirm`: the Confirm button;
- `charging`: a payment attempt, from its row to the gateway's answer;
- `completion`: what a settled payment does to its order (the subscription);
- `consent`: the legal representative's answer;
- `emails`: the messages, and the words for a bank's refusal.

Views import the module they need; this package imports none of them, so that
`app.services.settlement` can use `completion` without a circle."""
