Return-Path: <>
Delivered-To: bounces+r.wagner=example.org@lists.example.com
Received: from mta4.lists.example.com ([203.0.113.30])
	by inbound.lists.example.com with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384
	(Exim 4.98.1)
	id 1vHq2c-000Btx-0W
	for bounces+r.wagner=example.org@lists.example.com;
	Thu, 15 Oct 2026 08:02:17 +0000
Received: from Debian-exim by mta4.lists.example.com with local (Exim 4.98.1)
	id 1vHq2b-000Bsz-2K
	for bounces+r.wagner=example.org@lists.example.com;
	Thu, 15 Oct 2026 08:02:15 +0000
X-Failed-Recipients: r.wagner@example.org
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mta4.lists.example.com>
To: bounces+r.wagner=example.org@lists.example.com
References: <20261015080209.26173.c2610b@news.example.com>
Content-Type: multipart/report; report-type=delivery-status; boundary=1792051335-eximdsn-1681692777
MIME-Version: 1.0
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1vHq2b-000Bsz-2K@mta4.lists.example.com>
Date: Thu, 15 Oct 2026 08:02:15 +0000

--1792051335-eximdsn-1681692777
Content-type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  r.wagner@example.org
    host mx01.example.org [198.51.100.44]
    SMTP error from remote mail server after RCPT TO:<r.wagner@example.org>:
    554 5.7.1 Service unavailable; Client host [203.0.113.30] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.30

--1792051335-eximdsn-1681692777
Content-type: message/delivery-status

Reporting-MTA: dns; mta4.lists.example.com

Action: failed
Final-Recipient: rfc822;r.wagner@example.org
Status: 5.0.0
Remote-MTA: dns; mx01.example.org
X-Remote-MTA-smtp-greeting: X-Str; 220 mx01.example.org ESMTP Postfix
X-Remote-MTA-helo-response: X-Str; 250-mx01.example.org
X-Exim-Diagnostic: X-str; 554 5.7.1 Service unavailable; Client host [203.0.113.30] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.30
Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; Client host [203.0.113.30] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.30

--1792051335-eximdsn-1681692777
Content-type: text/rfc822-headers

Return-path: <bounces+r.wagner=example.org@lists.example.com>
Received: from app3.lists.example.com ([203.0.113.40])
	by mta4.lists.example.com with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384
	(Exim 4.98.1)
	(envelope-from <bounces+r.wagner=example.org@lists.example.com>)
	id 1vHq2Z-000Bsl-1D
	for r.wagner@example.org;
	Thu, 15 Oct 2026 08:02:10 +0000
From: Example Outfitters <news@news.example.com>
To: r.wagner@example.org
Subject: October field notes: three overnight routes for autumn
Date: Thu, 15 Oct 2026 08:02:09 +0000
Message-ID: <20261015080209.26173.c2610b@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/Xt6Rb9Kw2Lq5Nz8Vc1Hm>,
 <mailto:unsubscribe+Xt6Rb9Kw2Lq5Nz8Vc1Hm@lists.example.com>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Feedback-ID: c2610b:newsletter:outfitters:exampleco
X-Listhygiene-Rid: v1.26173.c2610b.Lz9Nq2Wc5Tk8Xb1Rv4Hm
Content-Type: multipart/alternative; boundary="=_alt_c2610b_26173"

--1792051335-eximdsn-1681692777--
