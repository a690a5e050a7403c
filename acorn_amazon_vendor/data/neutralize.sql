-- Amazon vendor accounts: a neutralized copy must never talk to Amazon as the production database.
UPDATE amazon_vendor_account
   SET lwa_client_id = NULL,
       lwa_client_secret = NULL,
       lwa_refresh_token = NULL,
       connection_state = 'not_tested';
DELETE FROM amazon_vendor_access_token;
