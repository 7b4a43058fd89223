"Appeals CRM: managers' analytics (dashboards, reports, pivot, BI feed, mailings)."
