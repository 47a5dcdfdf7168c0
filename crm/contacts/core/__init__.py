"""Pure core of contacts: normalisation of e-mails, phones and names. No Flask, no database."""
