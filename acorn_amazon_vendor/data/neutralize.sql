-- Amazon vendor accounts: a neutralized copy must never talk to Amazon as the production database.
UPDATE amazon_vendor_account
   SET lwa_client_id = NULL,
       lwa_client_secret = NULL,
       lwa_refresh_token = NULL,
       lwa_access_token = NULL,
       lwa_access_token_expiry = NULL,
       connection_state = 'not_tested';
